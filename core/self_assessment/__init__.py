"""The egenkontroll (self-assessment): criteria sets, answers, scores."""
