// Placeholder until the devnet launcher lands.
