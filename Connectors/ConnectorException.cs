namespace Portal.Connectors;

/// <summary>
/// Bad input or an unusable source: the message names the file and line, or the column, at fault,
/// and is safe to show to the owner (it never quotes data values).
/// </summary>
public class ConnectorException : Exception
{
    public ConnectorException(string message)
        : base(message)
    {
    }

    public ConnectorException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public ConnectorException()
    {
    }
}
