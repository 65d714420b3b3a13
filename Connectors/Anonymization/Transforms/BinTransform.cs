using System.Globalization;
using Portal.Connectors.Rows;

namespace Portal.Connectors.Anonymization.Transforms;

/// <summary>Number → the half-open bin "[low,high)" of the given width, bins aligned on 0.</summary>
internal sealed class BinTransform(double width) : ColumnTransform
{
    private readonly CharBuffer _buffer = new();

    public override string Describe() => $"bin(width={width.ToString(CultureInfo.InvariantCulture)})";

    public override bool Accepts(ColumnType input) => IsNumeric(input);

    public override Cell Apply(Cell value, Cell subject)
    {
        if (value.IsNull)
        {
            return value;
        }
        var low = Math.Floor(CellConvert.ToReal(value) / width) * width;
        var output = _buffer.Get(100);
        output[0] = '[';
        low.TryFormat(output[1..], out var n, "G15", CultureInfo.InvariantCulture);
        n++;
        output[n++] = ',';
        (low + width).TryFormat(output[n..], out var m, "G15", CultureInfo.InvariantCulture);
        n += m;
        output[n++] = ')';
        return Cell.FromText(_buffer.Slice(n));
    }
}
