using Portal.Connectors.Writers;

namespace Portal.Features.Exports.Download;

/// <summary>The formats an export is asked for by name, and how the response names and types them.</summary>
internal static class ExportFormats
{
    public static bool TryParse(string? text, out ExportFormat format)
    {
        format = (text ?? "csv").ToUpperInvariant() switch
        {
            "CSV" => ExportFormat.Csv,
            "JSONL" or "NDJSON" => ExportFormat.JsonLines,
            "PARQUET" => ExportFormat.Parquet,
            _ => (ExportFormat)(-1),
        };
        return Enum.IsDefined(format);
    }

    public static string ContentType(ExportFormat format, bool gzip) => gzip ? "application/gzip" : format switch
    {
        ExportFormat.Csv => "text/csv; charset=utf-8",
        ExportFormat.JsonLines => "application/jsonl; charset=utf-8",
        _ => "application/vnd.apache.parquet",
    };

    public static string FileName(string dataset, ExportFormat format, bool gzip)
    {
        var stem = new string([.. dataset.Select(c => char.IsAsciiLetterOrDigit(c) ? char.ToLowerInvariant(c) : '-')]).Trim('-');
        return $"{(stem.Length == 0 ? "export" : stem)}.{Name(format)}{(gzip ? ".gz" : "")}";
    }

    /// <summary>The format's name as people and site agents write it, and its file extension.</summary>
    public static string Name(ExportFormat format) => format switch { ExportFormat.Csv => "csv", ExportFormat.JsonLines => "jsonl", _ => "parquet" };
}
