namespace Portal.Hosting;

/// <summary>Configuration the portal cannot run with. Its message is the one line an operator sees.</summary>
public sealed class PortalConfigurationException : Exception
{
    public PortalConfigurationException() { }
    public PortalConfigurationException(string message) : base(message) { }
    public PortalConfigurationException(string message, Exception inner) : base(message, inner) { }
}
