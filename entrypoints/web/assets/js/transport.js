// How a recorded clip reaches the identifier. Today: one POST /api/v1/search per clip.
// A streaming transport (a WebSocket that hears continuously) can take its place: the
// listening loop only needs identify(blob, filename) → a search response.

import { search } from "./api.js";

export const clipTransport = {
  identify(blob, filename) {
    return search(blob, filename);
  },
};
