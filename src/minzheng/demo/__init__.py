"""The demo city and test tooling, kept out of the domain apps: the synthetic-city generator (synth),
the planted screening cases (planted), demo accounts (users) and payee accounts (payees), and the
`setup_demo` / `demo_city` commands. The top layer: it may import any app; no app imports it (only tests,
bench and its own commands)."""
