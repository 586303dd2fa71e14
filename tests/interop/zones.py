"""The time zones issue 4 names for the calendar interop tests: stable rules, negative DST,
abolished DST, Ramadan switches, 30- and 45-minute offsets."""

ZONES = [
    "Europe/Berlin",
    "Europe/London",
    "Europe/Dublin",
    "America/New_York",
    "America/Santiago",
    "America/Sao_Paulo",
    "Africa/Casablanca",
    "Asia/Kolkata",
    "Australia/Lord_Howe",
    "Pacific/Chatham",
]
