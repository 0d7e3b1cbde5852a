package dev.flywheel.feedback.service;

/** What went wrong, as each edge reports it (gRPC status, problem+json). */
public enum FeedbackFailure {
    INVALID, NOT_FOUND, CONFLICT, PRECONDITION
}
