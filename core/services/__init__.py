"""Services: one function per user action, keyword-only arguments, the caller owns the transaction."""
