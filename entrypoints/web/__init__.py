"""The web app served at `/`: static HTML, CSS and ES modules shipped inside the package."""
