import Learn
import Testing

/// The one table of which way a metric is better (compare, leaderboards, the runs table's sort).
@Suite struct MetricDirectionTests {
    @Test func scoresAreHigherErrorsLowerVariantsFollowTheirBaseCountersHaveNone() {
        for name in ["accuracy", "f1", "roc_auc", "r2", "train_accuracy", "f1_at_threshold", "precision_macro", "evaluate.accuracy"] {
            #expect(MetricDirection.of(name) == .higherIsBetter, "\(name)")
        }
        for name in ["rmse", "mae", "log_loss", "train_rmse", "evaluate.mae"] {
            #expect(MetricDirection.of(name) == .lowerIsBetter, "\(name)")
        }
        for name in ["rows_read", "threshold", "fit_seconds", "accuracyish"] {
            #expect(MetricDirection.of(name) == nil, "\(name)")
        }
        #expect(MetricDirection.higherIsBetter.prefers(0.9, over: 0.8))
        #expect(MetricDirection.lowerIsBetter.prefers(0.2, over: 0.3))
        #expect(!MetricDirection.lowerIsBetter.prefers(0.3, over: 0.3))
        #expect(MetricDirection.known.contains("accuracy") && MetricDirection.known.contains("rmse"))
    }
}
