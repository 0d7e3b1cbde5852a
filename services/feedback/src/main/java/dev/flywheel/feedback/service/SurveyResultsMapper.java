package dev.flywheel.feedback.service;

import java.util.List;

import dev.flywheel.feedback.analysis.SurveyAnalysis;
import dev.flywheel.proto.feedback.v1.Comment;
import dev.flywheel.proto.feedback.v1.GroupComparison;
import dev.flywheel.proto.feedback.v1.GroupResult;
import dev.flywheel.proto.feedback.v1.PeriodScore;
import dev.flywheel.proto.feedback.v1.QuestionResult;
import dev.flywheel.proto.feedback.v1.Score;
import dev.flywheel.proto.feedback.v1.SurveyResults;
import dev.flywheel.proto.feedback.v1.Theme;
import dev.flywheel.proto.feedback.v1.ValueCount;
import dev.flywheel.service.grpc.ProtoValues;

/** A survey's analysed results as the contract's SurveyResults. */
final class SurveyResultsMapper {

    private SurveyResultsMapper() {
    }

    static SurveyResults toProto(String surveyKey, SurveyAnalysis.Results results) {
        SurveyAnalysis.Showings showings = results.showings();
        SurveyResults.Builder out = SurveyResults.newBuilder().setSurveyKey(surveyKey).setShown(showings.shown())
                .setCompleted(showings.completed()).setDismissed(showings.dismissed())
                .setResponded(showings.responded()).setResponseRate(results.responseRate())
                .setTruncated(results.truncated());
        for (SurveyAnalysis.QuestionResults question : results.questions()) {
            QuestionResult.Builder q = QuestionResult.newBuilder().setQuestionId(question.id())
                    .setType(question.type()).setText(question.text()).setAnswers(question.answers())
                    .addAllDistribution(counts(question.distribution()));
            if (question.score() != null) {
                q.setScore(score(question.score()));
            }
            question.overTime().forEach(period -> q.addOverTime(PeriodScore.newBuilder()
                    .setStart(ProtoValues.timestamp(period.start())).setScore(score(period.score()))));
            for (SurveyAnalysis.Group group : question.groups()) {
                GroupResult.Builder g = GroupResult.newBuilder().setGroup(group.group())
                        .addAllDistribution(counts(group.distribution()));
                if (group.score() != null) {
                    g.setScore(score(group.score()));
                }
                if (group.comparison() != null) {
                    g.setComparison(comparison(group.comparison()));
                }
                q.addGroups(g);
            }
            question.latest().forEach(comment -> q.addLatest(Comment.newBuilder().setText(comment.text())
                    .setSubmissionId(comment.submission().toString()).setAt(ProtoValues.timestamp(comment.at()))));
            question.themes().forEach(theme -> q.addThemes(Theme.newBuilder().setPhrase(theme.phrase())
                    .setAnswers(theme.answers()).setShare(theme.share())));
            out.addQuestions(q);
        }
        return out.build();
    }

    private static Score score(SurveyAnalysis.Score score) {
        Score.Builder out = Score.newBuilder().setKind(score.kind()).setValue(score.value()).setN(score.n());
        if (score.lower() != null) {
            out.setLower(score.lower()).setUpper(score.upper());
        }
        return out.build();
    }

    private static GroupComparison comparison(SurveyAnalysis.Comparison c) {
        GroupComparison.Builder out = GroupComparison.newBuilder().setDifference(c.difference());
        if (c.noResult() != null) {
            return out.setNoResult(c.noResult()).build();
        }
        return out.setLower(c.lower()).setUpper(c.upper()).setPValue(c.pValue()).setSignificant(c.significant())
                .build();
    }

    private static List<ValueCount> counts(List<SurveyAnalysis.Count> counts) {
        return counts.stream().map(c -> ValueCount.newBuilder().setValue(c.value()).setCount(c.count()).build())
                .toList();
    }
}
