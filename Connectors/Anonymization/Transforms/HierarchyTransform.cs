using Portal.Connectors.Rows;

namespace Portal.Connectors.Anonymization.Transforms;

/// <summary>Generalization through an ARX hierarchy at a fixed level. A value missing from the hierarchy is an error, as in ARX: guessing would publish it unprotected.</summary>
internal sealed class HierarchyTransform(GeneralizationHierarchy hierarchy, int level, string file) : ColumnTransform
{
    public override string Describe() => $"hierarchy({Path.GetFileName(file)}, level {level})";

    public override Cell Apply(Cell value, Cell subject)
    {
        if (value.IsNull)
        {
            return value;
        }
        var text = value.Kind == CellKind.Text ? value.Text.Span.Trim() : value.ToString().AsSpan();
        return hierarchy.Generalize(text, level) is { } general
            ? Cell.FromText(general)
            : throw new CellConversionException($"the value is not in hierarchy file {Path.GetFileName(file)}");
    }
}
