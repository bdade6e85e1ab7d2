"""What talks to the outside: SMTP and the mail delivery worker, Redis counters and marks."""
