using Portal.Connectors.Rows;

namespace Portal.Connectors.Anonymization.Transforms;

internal sealed class RedactTransform(string replacement) : ColumnTransform
{
    private readonly Cell _replacement = Cell.FromText(replacement);

    public override string Describe() => "redact";

    public override Cell Apply(Cell value, Cell subject) => value.IsNull ? value : _replacement;
}
