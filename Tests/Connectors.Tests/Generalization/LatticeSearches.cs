namespace Portal.Connectors.Tests.Generalization;

/// <summary>
/// The Adult searches allocate hundreds of megabytes (the exhaustive reference rolls up 4,320 nodes), which would skew
/// tests that measure the process's memory (HostileFileTests) if both ran at once: this collection runs alone.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class LatticeSearches
{
    public const string Name = "Adult lattice searches";
}
