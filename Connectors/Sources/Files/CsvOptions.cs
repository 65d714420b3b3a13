using System.Text;

namespace Portal.Connectors.Sources.Files;

/// <summary>RFC 4180 with a configurable delimiter and encoding; the limits bound memory against hostile files.</summary>
public sealed record CsvOptions
{
    public char Delimiter { get; init; } = ',';

    /// <summary>An encoding name .NET knows (utf-8, utf-16, iso-8859-1, us-ascii, …). Invalid bytes are an error, never replaced.</summary>
    public string Encoding { get; init; } = "utf-8";

    public int MaxFieldLength { get; init; } = 1 << 20;

    public int MaxRecordLength { get; init; } = 16 << 20;

    internal Encoding StrictEncoding()
    {
        if (string.Equals(Encoding, "utf-8", StringComparison.OrdinalIgnoreCase) || string.Equals(Encoding, "utf8", StringComparison.OrdinalIgnoreCase))
        {
            return new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
        }
        try
        {
            return System.Text.Encoding.GetEncoding(Encoding, EncoderFallback.ExceptionFallback, DecoderFallback.ExceptionFallback);
        }
        catch (ArgumentException e)
        {
            throw new ConnectorException("source.csv.unknown_encoding", $"unknown encoding '{Encoding}'", e);
        }
    }
}
