namespace Portal.Connectors.Anonymization;

/// <summary>HashCode.Combine is seeded per process: data cannot choose keys that collide in a table.</summary>
internal sealed class RandomizedLongComparer : IEqualityComparer<long>
{
    public static readonly RandomizedLongComparer Instance = new();

    public bool Equals(long x, long y) => x == y;

    public int GetHashCode(long obj) => HashCode.Combine(obj);
}
