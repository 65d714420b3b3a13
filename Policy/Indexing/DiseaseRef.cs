namespace Portal.Policy.Indexing;

/// <summary>A disease code with its id in the snapshot's <see cref="Duo.DiseaseIndex"/> (the string is kept for unlisted codes).</summary>
internal readonly record struct DiseaseRef(int Id, string Code);
