"""The CLAP precisions a deployment may ask for. No torch here: settings validate with it."""

PRECISIONS = ("auto", "float32", "bfloat16", "int8")
