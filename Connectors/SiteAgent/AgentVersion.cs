using System.Reflection;

namespace Portal.Connectors.SiteAgent;

public static class AgentVersion
{
    /// <summary>The assembly's informational version (without the source revision suffix).</summary>
    public static string Current { get; } =
        (typeof(AgentVersion).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0").Split('+')[0];
}
