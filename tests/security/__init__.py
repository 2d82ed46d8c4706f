"""The system against hostile input: the access matrix, fuzzing, the web's hardening, uploads."""
