namespace Portal.Connectors.Anonymization.Generalization;

/// <summary>
/// The reference: every node of the lattice, each aggregated straight from the bottom's distinct combinations, no
/// pruning and no reuse between nodes. Slow by design; the tests and the benchmark compare the Flash search with it.
/// </summary>
public static class ExhaustiveSearch
{
    public static GeneralizationResult Run(GeneralizationInput input, GeneralizationSettings settings)
    {
        var context = new SearchContext(input, settings);
        var bestNode = -1;
        var bestValue = double.PositiveInfinity;
        for (var node = 0; node < context.Lattice.Size; node++)
        {
            var outcome = context.Evaluate(context.RollUp(input.Bottom, node));
            if (outcome.Anonymous && SearchContext.Better(outcome.Value, node, bestValue, bestNode))
            {
                (bestValue, bestNode) = (outcome.Value, node);
            }
        }
        return context.Describe(bestNode, context.Lattice.Size);
    }
}
