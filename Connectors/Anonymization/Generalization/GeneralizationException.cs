namespace Portal.Connectors.Anonymization.Generalization;

/// <summary>A hierarchy or input the lattice search cannot use; the message names the column and the level at fault.</summary>
#pragma warning disable CA1032 // Only constructors that take a code, like ConnectorException's.
public sealed class GeneralizationException : ConnectorException
#pragma warning restore CA1032
{
    public GeneralizationException(string code, string message)
        : base(code, message)
    {
    }

    public GeneralizationException(string code, string message, Exception innerException)
        : base(code, message, innerException)
    {
    }
}
