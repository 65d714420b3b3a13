using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Text.Unicode;
using Portal.Connectors.Rows;

namespace Portal.Connectors.Sources.Postgres;

/// <summary>
/// Decodes one field of PostgreSQL's binary COPY format (the types' send functions: big-endian integers,
/// IEEE floats, dates as days and timestamps as microseconds since 2000-01-01, text as UTF-8) into a cell,
/// giving the same values as Npgsql's typed getters did.
/// </summary>
internal static class PostgresBinaryValues
{
    private const int PostgresEpochDay = 730119; // DateOnly(2000, 1, 1).DayNumber
    private const long PostgresEpochTicks = 630822816000000000; // DateTime(2000, 1, 1).Ticks

    /// <summary>Decodes <paramref name="field"/>; text is written into <paramref name="text"/> (grown if needed) from <paramref name="textUsed"/> on.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static Cell Decode(ReadOnlySpan<byte> field, PostgresReadKind read, ref char[] text, ref int textUsed, string column)
    {
        switch (read)
        {
            case PostgresReadKind.Int16 when field.Length == 2:
                return Cell.FromInteger(BinaryPrimitives.ReadInt16BigEndian(field));
            case PostgresReadKind.Int32 when field.Length == 4:
                return Cell.FromInteger(BinaryPrimitives.ReadInt32BigEndian(field));
            case PostgresReadKind.Int64 when field.Length == 8:
                return Cell.FromInteger(BinaryPrimitives.ReadInt64BigEndian(field));
            case PostgresReadKind.Float4 when field.Length == 4:
                return Cell.FromReal(BinaryPrimitives.ReadSingleBigEndian(field));
            case PostgresReadKind.Float8 when field.Length == 8:
                return Cell.FromReal(BinaryPrimitives.ReadDoubleBigEndian(field));
            case PostgresReadKind.Boolean when field.Length == 1:
                return Cell.FromBoolean(field[0] != 0);
            case PostgresReadKind.Date when field.Length == 4:
                return Cell.FromDate(Date(BinaryPrimitives.ReadInt32BigEndian(field), column));
            case PostgresReadKind.Timestamp when field.Length == 8:
                return Cell.FromTimestamp(Timestamp(BinaryPrimitives.ReadInt64BigEndian(field), column));
            case PostgresReadKind.Text or PostgresReadKind.CastToText:
                return Cell.FromText(Text(field, ref text, ref textUsed, column));
            default:
                throw new ConnectorException("source.postgres.unexpected_value", $"column '{column}': unexpected binary value of {field.Length} bytes");
        }
    }

    // ±infinity become the extreme values, as Npgsql maps them by default.
    private static DateOnly Date(int days, string column) => days switch
    {
        int.MaxValue => DateOnly.MaxValue,
        int.MinValue => DateOnly.MinValue,
        _ when (long)days + PostgresEpochDay is >= 0 and <= 3652058 => DateOnly.FromDayNumber(days + PostgresEpochDay),
        _ => throw new ConnectorException("source.postgres.date_out_of_range", $"column '{column}': a date outside the years 1-9999"),
    };

    private static DateTime Timestamp(long microseconds, string column)
    {
        if (microseconds == long.MaxValue)
        {
            return DateTime.MaxValue;
        }
        if (microseconds == long.MinValue)
        {
            return DateTime.MinValue;
        }
        var min = (DateTime.MinValue.Ticks - PostgresEpochTicks) / 10;
        var max = (DateTime.MaxValue.Ticks - PostgresEpochTicks) / 10;
        if (microseconds < min || microseconds > max)
        {
            throw new ConnectorException("source.postgres.date_out_of_range", $"column '{column}': a timestamp outside the years 1-9999");
        }
        return new DateTime(PostgresEpochTicks + (microseconds * 10), DateTimeKind.Unspecified);
    }

    private static ReadOnlyMemory<char> Text(ReadOnlySpan<byte> utf8, ref char[] text, ref int textUsed, string column)
    {
        if (text.Length - textUsed < utf8.Length)
        {
            // A new array, never a copy: cells of this row still point into the old one.
            text = new char[Math.Max(text.Length * 2, utf8.Length + 1024)];
            textUsed = 0;
        }
        var status = Utf8.ToUtf16(utf8, text.AsSpan(textUsed), out _, out var written, replaceInvalidSequences: false);
        if (status != OperationStatus.Done)
        {
            throw new ConnectorException("source.postgres.invalid_utf8", $"column '{column}': the database sent text that is not valid UTF-8");
        }
        var value = text.AsMemory(textUsed, written);
        textUsed += written;
        return value;
    }
}
