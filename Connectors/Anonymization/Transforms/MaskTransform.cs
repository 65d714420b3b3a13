using Portal.Connectors.Rows;

namespace Portal.Connectors.Anonymization.Transforms;

/// <summary>Partial mask: keeps a few leading and trailing characters; short values are masked whole so that nothing is revealed by "keeping" all of them.</summary>
internal sealed class MaskTransform(int keepFirst, int keepLast, char maskChar) : ColumnTransform
{
    private readonly CharBuffer _buffer = new();

    public override string Describe() => $"mask(keepFirst={keepFirst}, keepLast={keepLast})";

    public override Cell Apply(Cell value, Cell subject)
    {
        if (value.IsNull)
        {
            return value;
        }
        var text = value.Kind == CellKind.Text ? value.Text.Span : value.ToString().AsSpan();
        var output = _buffer.Get(text.Length);
        var reveal = keepFirst + keepLast < text.Length;
        for (var i = 0; i < text.Length; i++)
        {
            output[i] = reveal && (i < keepFirst || i >= text.Length - keepLast) ? text[i] : maskChar;
        }
        return Cell.FromText(_buffer.Slice(text.Length));
    }
}
