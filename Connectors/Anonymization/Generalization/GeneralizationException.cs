namespace Portal.Connectors.Anonymization.Generalization;

/// <summary>A hierarchy or input the lattice search cannot use; the message names the column and the level at fault.</summary>
public sealed class GeneralizationException : ConnectorException
{
    public GeneralizationException(string message)
        : base(message)
    {
    }

    public GeneralizationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public GeneralizationException()
    {
    }
}
