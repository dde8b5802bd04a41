"""One module per page group; each has a `router`. Routes only translate HTTP to queries and templates."""
