package dev.flywheel.surveys;

/** What a question asks, and so which answers it takes. */
public enum QuestionType {
    /** Net Promoter Score: 0 to 10. */
    NPS,
    /** Customer satisfaction: 1 to 5; 4 and 5 count as satisfied. */
    CSAT,
    /** Customer effort score: 1 to 7; 5 to 7 count as easy. */
    CES,
    /** A rating on a scale of 3, 5, 7 or 10 (from 1), shown as numbers or emoji. */
    RATING, SINGLE_CHOICE, MULTIPLE_CHOICE, OPEN_TEXT;

    public boolean numeric() {
        return this == NPS || this == CSAT || this == CES || this == RATING;
    }

    public boolean choice() {
        return this == SINGLE_CHOICE || this == MULTIPLE_CHOICE;
    }
}
