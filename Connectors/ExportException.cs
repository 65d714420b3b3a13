namespace Portal.Connectors;

/// <summary>
/// An export that failed or was cancelled; <see cref="Manifest"/> records how far it got (Complete = false), and the
/// code is that of the fault that stopped it (a source's or profile's code, or <c>export.run.…</c>).
/// </summary>
#pragma warning disable CA1032 // Every export error has a code and a manifest.
public sealed class ExportException : ConnectorException
#pragma warning restore CA1032
{
    public ExportException(string code, string message, ExportManifest manifest, Exception? innerException)
        : base(code, message, innerException ?? new InvalidOperationException(message))
    {
        Manifest = manifest;
    }

    public ExportManifest Manifest { get; }
}
