namespace Portal.Connectors.Sources.Postgres;

internal static class SqlIdentifier
{
    /// <summary>Double-quotes an identifier that was read from the catalog; embedded quotes are doubled.</summary>
    public static string Quote(string identifier)
    {
        if (identifier.Contains('\0', StringComparison.Ordinal))
        {
            throw new ConnectorException("source.postgres.invalid_identifier", "identifiers cannot contain NUL characters");
        }
        return "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
    }
}
