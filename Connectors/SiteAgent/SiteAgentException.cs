namespace Portal.Connectors.SiteAgent;

/// <summary>A fault the owner must fix (configuration, enrollment, files): the command prints the sentence and exits 1.</summary>
#pragma warning disable CA1032 // Always made with the sentence the owner reads.
public sealed class SiteAgentException(string message) : Exception(message);
#pragma warning restore CA1032
