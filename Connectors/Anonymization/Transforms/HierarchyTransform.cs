using Portal.Connectors.Rows;

namespace Portal.Connectors.Anonymization.Transforms;

/// <summary>Generalization through a hierarchy (an ARX file or a built one) at a fixed level. A value the hierarchy does not cover is an error, as in ARX: guessing would publish it unprotected.</summary>
internal sealed class HierarchyTransform(IHierarchy hierarchy, int level, string source) : ColumnTransform
{
    private readonly GeneralizationCache _cache = new(hierarchy, level);

    public override ColumnReduction Reduction { get; } = hierarchy is Hierarchies.ComputedHierarchy computed ? computed.Reduction(level) : Listed;

    private static readonly ColumnReduction Listed = new(PushdownReduction.Listed);

    public override string Describe() => $"hierarchy({source}, level {level})";

    public override Cell Apply(Cell value, Cell subject)
    {
        if (value.IsNull)
        {
            return value;
        }
        return _cache.Generalize(value) ?? throw new CellConversionException($"the value is not covered by hierarchy {source}");
    }
}
