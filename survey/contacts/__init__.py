"""Teams and the contacts (customers) who receive surveys."""
