// Placeholder entry until the fuzz harness lands.
