using System.Runtime.CompilerServices;
using Portal.Connectors.Rows;

namespace Portal.Connectors.Anonymization.Transforms;

/// <summary>Date → "yyyy" or "yyyy-MM".</summary>
internal sealed class DateGeneralizeTransform(bool keepMonth) : ColumnTransform
{
    private readonly CharBuffer _buffer = new();

    public override string Describe() => keepMonth ? "dateGeneralize(yearMonth)" : "dateGeneralize(year)";

    public override bool Accepts(ColumnType input) => IsTemporal(input);

    public override ColumnReduction Reduction { get; } = new(keepMonth ? PushdownReduction.TruncateToMonth : PushdownReduction.TruncateToYear);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override Cell Apply(Cell value, Cell subject)
    {
        if (value.IsNull)
        {
            return value;
        }
        var date = CellConvert.ToDate(value);
        var output = _buffer.Get(7);
        var year = date.Year;
        output[0] = (char)('0' + (year / 1000));
        output[1] = (char)('0' + (year / 100 % 10));
        output[2] = (char)('0' + (year / 10 % 10));
        output[3] = (char)('0' + (year % 10));
        if (!keepMonth)
        {
            return Cell.FromText(_buffer.Slice(4));
        }
        output[4] = '-';
        output[5] = (char)('0' + (date.Month / 10));
        output[6] = (char)('0' + (date.Month % 10));
        return Cell.FromText(_buffer.Slice(7));
    }
}
