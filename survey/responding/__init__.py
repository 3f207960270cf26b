"""The respondent pages: a customer opens a survey link and answers."""
