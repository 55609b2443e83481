"""The data sets: where each is found or fetched, verified, and split as the books split them."""
