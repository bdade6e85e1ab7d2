"""The domain: plain functions taking a session, enforcing every rule. No Reflex imports."""
