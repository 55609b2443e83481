"""convnet-claims: the claims of the CNN chapters as experiments (library part, no assertions)."""
