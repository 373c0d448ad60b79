"""Storage: the tables every stage reads and writes, and the migrations that build them."""
