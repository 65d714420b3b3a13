using Portal.Connectors.Rows;

namespace Portal.Connectors.Anonymization.Transforms;

internal sealed class KeepTransform : ColumnTransform
{
    public override string Describe() => "keep";

    public override ColumnType OutputType(ColumnType input) => input;

    public override Cell Apply(Cell value, Cell subject) => value;
}
