"""Payment: the monthly benefit run (engine, cache, writes, ledger) and the 临时救助 reserve fund."""
