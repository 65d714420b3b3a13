using System.Text;

namespace Portal.Connectors.Anonymization.Hierarchies;

/// <summary>
/// Splits hierarchy text into rows without trusting its size: it stops at <see cref="HierarchyValidator.MaxChars"/>
/// characters or <see cref="HierarchyValidator.MaxValues"/> lines, so a 100 MB upload costs one buffer, not 100 MB.
/// </summary>
internal static class HierarchyReader
{
    public static (List<string[]> Rows, List<int> Lines) ReadRows(TextReader reader, string name, char separator)
    {
        ArgumentNullException.ThrowIfNull(reader);
        if (separator is '\r' or '\n')
        {
            throw new ConnectorException("hierarchy.separator_invalid", $"{name}: the separator cannot be a line break");
        }
        var rows = new List<string[]>();
        var lines = new List<int>();
        var line = new StringBuilder();
        var buffer = new char[1 << 13];
        long total = 0;
        var lineNumber = 1;
        var afterCarriageReturn = false;
        try
        {
            int read;
            while ((read = reader.Read(buffer, 0, buffer.Length)) > 0)
            {
                total += read;
                if (total > HierarchyValidator.MaxChars)
                {
                    throw new ConnectorException("hierarchy.too_large", $"{name}: the hierarchy is larger than the limit of {HierarchyValidator.MaxChars} characters");
                }
                foreach (var c in buffer.AsSpan(0, read))
                {
                    if (c == '\n' && afterCarriageReturn)
                    {
                        afterCarriageReturn = false;
                        continue;
                    }
                    afterCarriageReturn = c == '\r';
                    if (c is '\n' or '\r')
                    {
                        EndLine(line, name, separator, lineNumber++, rows, lines);
                    }
                    else if (char.IsControl(c) && c != separator)
                    {
                        throw new ConnectorException("hierarchy.control_character", $"{name} line {lineNumber}: a control character (U+{(int)c:X4}); hierarchies are plain text");
                    }
                    else
                    {
                        line.Append(c);
                    }
                }
            }
        }
        catch (DecoderFallbackException)
        {
            throw new ConnectorException("hierarchy.encoding", $"{name} line {lineNumber}: bytes that are not valid UTF-8");
        }
        EndLine(line, name, separator, lineNumber, rows, lines);
        return (rows, lines);
    }

    private static void EndLine(StringBuilder line, string name, char separator, int lineNumber, List<string[]> rows, List<int> lines)
    {
        if (line.Length == 0)
        {
            return;
        }
        if (rows.Count == HierarchyValidator.MaxValues)
        {
            throw new ConnectorException("hierarchy.too_many_values", $"{name} line {lineNumber}: more than {HierarchyValidator.MaxValues} values");
        }
        var fields = line.ToString().Split(separator);
        line.Clear();
        if (fields.Length > HierarchyValidator.MaxLevels)
        {
            throw new ConnectorException("hierarchy.too_many_levels", $"{name} line {lineNumber}: {fields.Length} levels, more than the limit of {HierarchyValidator.MaxLevels}");
        }
        rows.Add(fields);
        lines.Add(lineNumber);
    }
}
