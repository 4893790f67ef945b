import FlowSpec

/// What a matrix instance's expressions see besides params, inputs and step outputs: its item
/// (`matrix.NAME`), its sibling instances under their declared ids (`steps.train.outputs…` in
/// `evaluate[model_type=logistic]` reads `train[model_type=logistic]`), and for a gathering step
/// the items of the matrix steps it needs (`steps.evaluate.items`). The expansion that made the
/// instance recorded all three (FlowSpec/Graph/MatrixExpansion.swift).
extension ExpressionContext {
    mutating func addMatrix(of spec: StepSpec) {
        matrix = spec.matrix.values
        for (declared, instance) in spec.matrix.aliases {
            if let outputs = stepOutputs[instance] { stepOutputs[declared] = outputs }
        }
        for (declared, instances) in spec.matrix.gathered {
            // Every gathered instance succeeded (a skipped need skips this step); guard all the same.
            items[declared] = instances.compactMap { instance in
                stepOutputs[instance.id].map { outputs in
                    .map(["id": .string(instance.id), "matrix": .map(instance.values), "outputs": .map(outputs)])
                }
            }
        }
    }

    /// `FLOWRUN_MATRIX_<NAME>` for each of the instance's values, as a command sees them.
    var matrixVariables: [String: Value] {
        Dictionary(uniqueKeysWithValues: matrix.map { (CommandEnvironment.matrixVariable($0.key), Value.string($0.value.interpolated)) })
    }
}
