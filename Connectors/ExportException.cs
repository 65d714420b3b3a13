namespace Portal.Connectors;

/// <summary>An export that failed or was cancelled; <see cref="Manifest"/> records how far it got (Complete = false).</summary>
public sealed class ExportException : ConnectorException
{
    public ExportException(string message, ExportManifest manifest, Exception? innerException)
        : base(message, innerException ?? new InvalidOperationException(message))
    {
        Manifest = manifest;
    }

    public ExportException()
    {
    }

    public ExportException(string message)
        : base(message)
    {
    }

    public ExportException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public ExportManifest? Manifest { get; }
}
