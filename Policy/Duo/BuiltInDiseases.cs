namespace Portal.Policy.Duo;

/// <summary>
/// A deliberately small disease map (ICD-10 codes and blocks, plus "HIV" for the MONDO-style concept of HIV
/// infection) so that DS matching works out of the box on the demo data. A deployment supplies its own.
/// </summary>
public static class BuiltInDiseases
{
    public static IReadOnlyList<(string Child, string Parent)> Edges { get; } =
    [
        // HIV: the ICD-10 block, its codes used by the demo hospital, and the HIV-infection concept above them.
        ("B20-B24", "A00-B99"),
        ("B20-B24", "HIV"),
        ("B20", "B20-B24"),
        ("B20.1", "B20"),
        ("B20.7", "B20"),
        ("B21", "B20-B24"),
        ("B22", "B20-B24"),
        ("B23", "B20-B24"),
        ("B23.0", "B23"),
        ("B23.8", "B23"),
        ("B24", "B20-B24"),
        ("Z21", "HIV"),
        ("Z21", "Z00-Z99"),
        ("O98.7", "O98"),
        ("O98.7", "HIV"),
        ("O98", "O00-O99"),
        ("R75", "R00-R99"),
        ("Z20.6", "Z20"),
        ("Z20", "Z00-Z99"),

        // A few common chronic diseases, so that "another disease" is more than a made-up code.
        ("C34", "C00-D48"),
        ("C50", "C00-D48"),
        ("E10", "E10-E14"),
        ("E11", "E10-E14"),
        ("E10-E14", "E00-E90"),
        ("I21", "I20-I25"),
        ("I20-I25", "I00-I99"),
    ];
}
