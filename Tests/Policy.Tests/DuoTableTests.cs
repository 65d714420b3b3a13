using Portal.Policy.Duo;
using Portal.Policy.Model;

namespace Portal.Policy.Tests;

/// <summary>Each row here is a row of the DUO table in docs/policy.md, in the same order; keep them in step.</summary>
public class DuoTableTests
{
    [Theory]
    // Primary terms
    [InlineData(1, "NRES", "GRU", false, false, "")]
    [InlineData(2, "NRES", "DS:C50", false, false, "")]
    [InlineData(3, "GRU", "GRU", false, false, "")]
    [InlineData(4, "GRU", "HMB", false, false, "")]
    [InlineData(5, "GRU", "DS:B20", false, false, "")]
    [InlineData(6, "GRU", "POA", false, false, "")]
    [InlineData(7, "GRU", "MDS", false, false, "")]
    [InlineData(8, "HMB", "GRU", false, false, "duo.hmb_requires_health_research")]
    [InlineData(9, "HMB", "HMB", false, false, "")]
    [InlineData(10, "HMB", "DS:B20", false, false, "")]
    [InlineData(11, "HMB", "POA", false, false, "duo.hmb_requires_health_research")]
    [InlineData(12, "HMB", "MDS", false, false, "")]
    [InlineData(13, "DS:B20-B24", "DS:B20-B24", false, false, "")]
    [InlineData(14, "DS:B20-B24", "DS:B20.1", false, false, "")]
    [InlineData(15, "DS:HIV", "DS:B20", false, false, "")]
    [InlineData(16, "DS:B20", "DS:B20-B24", false, false, "duo.ds_disease_mismatch")]
    [InlineData(17, "DS:B20-B24", "DS:C50", false, false, "duo.ds_disease_mismatch")]
    [InlineData(18, "DS:B20-B24 DS:C50", "DS:C50", false, false, "")]
    [InlineData(19, "DS:B20-B24", "GRU", false, false, "duo.ds_requires_disease_research")]
    [InlineData(20, "DS:B20-B24", "HMB", false, false, "duo.ds_requires_disease_research")]
    [InlineData(21, "DS:B20-B24", "POA", false, false, "duo.ds_requires_disease_research")]
    [InlineData(22, "DS:B20-B24", "MDS:B21", false, false, "")]
    [InlineData(23, "DS:B20-B24", "MDS", false, false, "duo.ds_disease_mismatch")]
    [InlineData(24, "POA", "POA", false, false, "")]
    [InlineData(25, "POA", "GRU", false, false, "duo.poa_requires_ancestry_research")]
    [InlineData(26, "POA", "HMB", false, false, "duo.poa_requires_ancestry_research")]
    [InlineData(27, "POA", "DS:B20", false, false, "duo.poa_requires_ancestry_research")]
    [InlineData(28, "POA", "MDS", false, false, "")]
    // Modifiers
    [InlineData(29, "GRU NCU", "GRU", false, false, "")]
    [InlineData(30, "GRU NCU", "GRU", true, false, "duo.ncu_forbids_commercial")]
    [InlineData(31, "GRU NPU", "GRU", true, false, "duo.npu_forbids_for_profit")]
    [InlineData(32, "GRU NPUNCU", "GRU", true, false, "duo.npuncu_forbids_commercial")]
    [InlineData(33, "GRU NPU", "GRU", false, false, "")]
    [InlineData(34, "GRU NMDS", "MDS", false, false, "duo.nmds_forbids_methods")]
    [InlineData(35, "GRU NMDS", "GRU", false, false, "")]
    [InlineData(36, "DS:B20-B24 NMDS", "MDS:B20", false, false, "")]
    [InlineData(37, "DS:B20-B24 NMDS", "MDS:C50", false, false, "duo.ds_disease_mismatch duo.nmds_forbids_methods")]
    [InlineData(38, "GRU IRB", "GRU", false, false, "duo.irb_requires_ethics_approval")]
    [InlineData(39, "GRU IRB", "GRU", false, true, "")]
    [InlineData(40, "HMB NCU IRB", "GRU", true, false, "duo.hmb_requires_health_research duo.ncu_forbids_commercial duo.irb_requires_ethics_approval")]
    [InlineData(41, "GRU GS PUB COL TS PS RTN", "GRU", true, false, "")]
    public void Purpose_against_dataset_conditions(int row, string dataset, string purpose, bool commercial, bool ethics, string expected)
    {
        var conditions = DataUseConditions.Parse(dataset);
        var declared = ParsePurpose(purpose) with { Commercial = commercial, EthicsApprovalReference = ethics ? "EC-1" : null };

        var reasons = DuoMatcher.Match(conditions, declared, DiseaseHierarchy.Default);

        Assert.True(row > 0);
        Assert.Equal(Codes(expected), reasons.ToList().Select(ReasonCatalog.Code).Order());
    }

    [Theory]
    [InlineData(42, false, "duo.us_requires_personal_grant")]
    [InlineData(43, true, "")]
    public void US_needs_a_grant_to_the_person(int row, bool personalGrant, string expected)
    {
        var valid = new ValidExport();
        var v = valid with
        {
            Dataset = valid.Dataset with { DataUse = DataUseConditions.Parse("DS:B20-B24 US") },
            Grant = personalGrant ? valid.Grant with { Target = GrantTarget.Person(ValidExport.Alice) } : valid.Grant,
        };

        var reasons = v.Decide().Reasons;

        Assert.True(row > 0);
        Assert.Equal(Codes(expected), reasons.ToList().Select(ReasonCatalog.Code).Order());
    }

    internal static DeclaredPurpose ParsePurpose(string text)
    {
        var parts = text.Split(':', 2);
        return new DeclaredPurpose(Enum.Parse<PurposeCode>(parts[0]), parts.Length == 2 ? parts[1] : null);
    }

    private static IEnumerable<string> Codes(string expected) =>
        expected.Split(' ', StringSplitOptions.RemoveEmptyEntries).Order();
}
