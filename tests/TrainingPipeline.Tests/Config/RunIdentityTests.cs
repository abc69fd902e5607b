using System.Text.Json.Nodes;
using TrainingPipeline.Config;
using TrainingPipeline.Model;
using TrainingPipeline.Testing;
using static TrainingPipeline.Tests.Config.TestPlans;

namespace TrainingPipeline.Tests.Config;

/// <summary>Issue 15: a run's id hashes what changes its computation, pinned for every committed pipeline file.</summary>
public class RunIdentityTests
{
    /// <summary>One line per planned run of every pipelines/*.json: file, index, stage, id, identity-version-0 id.</summary>
    private static string CommittedPipelineIds()
    {
        var lines = new List<string>();
        // Pipeline files name user corpora relative to the folder the README runs them from: the repository.
        string previous = Directory.GetCurrentDirectory();
        Directory.SetCurrentDirectory(SharedData.RepositoryRoot());
        try
        {
            foreach (var file in Directory.GetFiles(Path.Combine(SharedData.RepositoryRoot(), "pipelines"), "*.json").Order(StringComparer.Ordinal))
            {
                if (Unavailable(Path.GetFileName(file))) continue;
                var points = SpecLoader.LoadFile(file, SpecResolver.Catalogs());
                var plan = RunPlan.Create(points);
                lines.AddRange(plan.Runs.Select((r, i) => $"{Path.GetFileName(file)} {i} {r.Stage} {r.Id} {r.LegacyId}"));
            }
        }
        finally
        {
            Directory.SetCurrentDirectory(previous);
        }
        return string.Join("\n", lines);
    }

    /// <summary>Pipeline files over ../shared data: outside CI, left out when the data is missing (CI fails instead).</summary>
    private static readonly Dictionary<string, string> SharedDataPipelines = new() { ["own-text.json"] = "tinyshakespeare/input.txt" };

    private static bool Unavailable(string pipeline) =>
        !SharedData.InCi && SharedDataPipelines.TryGetValue(pipeline, out string? data) && !File.Exists(SharedData.PathOf(data));

    // Regenerate only on purpose (a change of what a run computes, or a new RunIdentity.Version), never to make this
    // pass. The last column is each run's id before issue 15 (identity version 0), as the tool computed it then;
    // StoredRunIds matches results folders written by those versions through it. When issue 13 lowered the RL runs'
    // eval_problems (500 → 128) in narrow-to-broad.json and rl-scaling.json, their identity-version-0 ids changed (that
    // hash covered evaluation settings) and their ids did not: the case this identity exists for.
    // Regenerated on purpose in issue 13's follow-up: pre-training identities now carry the fingerprint of every domain
    // whose generator changed since identity version 1 (RunIdentity.ChangedDomainData), and task:<family> (v4: chained
    // statements skipped), arith-mul (v2) and arith-expr (v2) documents changed. Every committed pipeline pre-trains on a
    // task: domain, so every id here changed (RL ids through their parent); the version-0 column did not. Pipelines
    // whose domains kept their fingerprints keep their ids (AGeneratorChangeReKeysOnlyTheRunsThatTrainedOnIt).
    // Regenerated on purpose in issue 13, part I: the broad RL mixture of narrow-to-broad.json and rl-scaling.json lost
    // list-ops (334 eval problems at difficulty 2, fewer than the 500 each family now evaluates), so the broad RL runs
    // got new ids (narrow-to-broad 4, 5, 12, 13; rl-scaling 2); every other id is unchanged. The version-0 column
    // changed for every RL run of both files, since that hash covered eval_problems (128 → 500), eval_at_steps and
    // unrewarded_tasks.
    // Regenerated on purpose in issue 13 part H: code-trace problems are keyed by their program up to names, layout and
    // commutative operands, which moves some problems across the split, so task:code-trace's documents changed (v5).
    // Every run that pre-trained on task:code-trace@2 (all of quickstart.json and rl-scaling.json, the broad runs of
    // narrow-to-broad.json) and its RL descendants changed id; the narrow runs (task:addition@2, task:subtraction@2)
    // and every version-0 id did not.
    // Regenerated on purpose in issue 13 part K: logic-bool renders boolean-logic (its "Evaluate: E" is the family's
    // "Eval: E") and now draws only the train split (logic-bool v2), so the runs that pre-trained on it and their RL
    // descendants changed id (narrow-to-broad 7, 8, 10-13; quickstart 1, 2, 4, 5); every other id and every version-0
    // id did not.
    // Regenerated on purpose in issue 17: the quickstart was redesigned (one broad phase, a sizes × budgets grid without
    // RL and three RL seeds of one point, a sweep list), so every quickstart line is new; the other files' ids and
    // version-0 ids are unchanged.
    // Issue 18 added pretrain-scaling.json, pretrain-scaling-gpu.json and pretrain-scaling-lr.json (new lines only; every other id unchanged); pretrain-scaling.json's ids changed again when its learning rates became per size (the lr pilot).
    // Issue 17 added own-text.json (a user's text with a BPE tokenizer); no other id changed.
    // Issue 18 added rl-compute.json and rl-compute-gpu.json (new lines only; rl.seed, new then, is left out of every
    // other file's config, so no other id changed).
    private const string GoldenIds = """
        in-context-gpu.json 0 pretrain_base b580a88f4f3cf263 56588fd92e4812ba
        in-context-gpu.json 1 pretrain_base cb269f0d69131f19 1ec69b0a3d85cfb0
        in-context-gpu.json 2 pretrain_base 7d434504b7bc4a0d 65451f2da604cc79
        in-context-gpu.json 3 pretrain_base c25556d8ab9b25d0 a0e2cc8238d30227
        in-context-gpu.json 4 pretrain_base 95b22ac926feb390 31334ee8d8c01525
        in-context-gpu.json 5 pretrain_base a6623f6d3db779d2 d08e2958014d522b
        in-context-gpu.json 6 pretrain_base 1aab0300cbbf36fc 7cacc6d4e809d38a
        in-context-gpu.json 7 pretrain_base 68020cb995024a6a 2dd19cce365b0601
        in-context-gpu.json 8 pretrain_base e509e75738cc02ab 43cd906ecb6b782e
        in-context-gpu.json 9 pretrain_base bdef22c32b945939 9b34eac9dc83f59a
        in-context-gpu.json 10 pretrain_base f7ab3d33635319ec 182310d95b255a9e
        in-context-gpu.json 11 pretrain_base cf18f8a02b74f57a 1183534284c85b41
        in-context-gpu.json 12 pretrain_base b5b9624c554f350b a1f46a74c20006f1
        in-context-gpu.json 13 pretrain_base f45a8ec39880e409 f4c00e82ad88fc7e
        in-context-gpu.json 14 pretrain_base abb7ae5c5a047e71 8e9c576b5832fce2
        in-context-gpu.json 15 pretrain_base 0d9664832db807f2 46cf21015bbf52a2
        in-context-gpu.json 16 pretrain_base 363f9b6656f02540 df88f25ab3081d0f
        in-context-gpu.json 17 pretrain_base d40d519683b1e37d 8f7c1160b967dfba
        in-context-gpu.json 18 pretrain_base 373f35b63655f47d 2492efba5c27144e
        in-context-gpu.json 19 pretrain_base 0091c0c14a16d292 ae6a2d259204f0cc
        in-context-gpu.json 20 pretrain_base 291c07541ac9ec13 0f6c57572f5a281e
        in-context-gpu.json 21 pretrain_base 0ec51cf07c44dc56 d4992e87d35c008b
        in-context-gpu.json 22 pretrain_base 5ba75b692ef56660 e2dd840b654df786
        in-context-gpu.json 23 pretrain_base 28e722013f97473d 16e50f328df8d845
        in-context-gpu.json 24 pretrain_base 24c0dda5543f9cd2 b3f3a78e1d19c69c
        in-context-gpu.json 25 pretrain_base 77542bdaac7a5f4a 2628c15594f79d18
        in-context-gpu.json 26 pretrain_base c747810c3c8e143f ba6f4754f052fcc2
        in-context-gpu.json 27 pretrain_base 3a9832ec94412be8 30c2b6834d46b83c
        in-context-gpu.json 28 pretrain_base ebc6e9a9a9e34b08 66678f4393fb054d
        in-context-gpu.json 29 pretrain_base bc05041526113e98 cd83a070b9886125
        in-context.json 0 pretrain_base 631f2a8cc5b4e155 b4fef7756dde07e1
        in-context.json 1 pretrain_base 5f83b1a32902cd36 27155ee4d41e49b0
        in-context.json 2 pretrain_base be18660807976b6b 830ed47554b18a89
        in-context.json 3 pretrain_base 3820c4361f4ace52 00fb129f8736e36a
        in-context.json 4 pretrain_base 369aab0b3b6afa68 c246b6022e6a9b28
        in-context.json 5 pretrain_base 58d984f1176ddb5a 4a0a341eca40a0c9
        in-context.json 6 pretrain_base a63cef8446078ceb 456b3f82852e7557
        in-context.json 7 pretrain_base e54f0a8b0d22b723 606fd30d1e607796
        in-context.json 8 pretrain_base d7399155d0e2479e de6853d0c76dc1d7
        in-context.json 9 pretrain_base d2534a499fd9413f 84c411ffef10d7ac
        in-context.json 10 pretrain_base cf2c506571ac460c 1376fcd4ee7fb612
        in-context.json 11 pretrain_base 5088cc00f1ef4ade ec129d349d834f75
        in-context.json 12 pretrain_base 71f0ba48478577d5 6c5b63fad4bd568b
        in-context.json 13 pretrain_base 6d7bdd138f224c13 333dbce01155e17b
        in-context.json 14 pretrain_base f0feb001893949e9 dcbe3983add8e3dc
        in-context.json 15 pretrain_base 6733dd854eed07f5 064a5f26a674d414
        in-context.json 16 pretrain_base e7889dbf63bbd5b6 0b66b1b985a17f17
        in-context.json 17 pretrain_base ea58a4ad63edfd27 311913eabcf975d8
        narrow-to-broad.json 0 pretrain_narrow 3f2c73f6ad3c1c5b 7149095eed86b2a2
        narrow-to-broad.json 1 rl e3c248fcf7cbf5a5 3af5f772f4e9492d
        narrow-to-broad.json 2 pretrain_narrow 94fdc3ce0f9cd267 98acb2a172936a7a
        narrow-to-broad.json 3 rl e84af9af6e5ddbb2 c5dddd6a9857e29e
        narrow-to-broad.json 4 rl 18df3c0858d83760 2d7c18d96d3bf14f
        narrow-to-broad.json 5 rl face8137180dbbbf 617666940470d5bc
        narrow-to-broad.json 6 pretrain_narrow cb5c90ed0aafd8b0 66852022b1406738
        narrow-to-broad.json 7 pretrain_broad 30f6d25ea8b12e67 2843f0c7a412a451
        narrow-to-broad.json 8 rl f73a90bf976e2db8 69cf71c86433d234
        narrow-to-broad.json 9 pretrain_narrow 70c63772d70a64dc 267dbcfb630dda72
        narrow-to-broad.json 10 pretrain_broad 2f47148454b431a6 b18f940295d79efc
        narrow-to-broad.json 11 rl f2011e4298a5ad95 0b6a5e8e0245114a
        narrow-to-broad.json 12 rl 00fc25b3b19d2154 05512f65ae4ad8dc
        narrow-to-broad.json 13 rl 982544078d5ecb95 2e2f2818142cdbc5
        own-text.json 0 pretrain_text 583351f7db9bb4b2 b9d06876bdd7570b
        pass-at-k-gpu.json 0 pretrain_base c8e861399cac6957 b008b656ab4727a7
        pass-at-k-gpu.json 1 rl ff736cac94c38be9 1551bccba7a8c496
        pass-at-k-gpu.json 2 rl 0246c9eee23bb551 9af5ba58538b455b
        pass-at-k-gpu.json 3 rl de857a4d3f03e3f2 a3dacc64dfe79f8b
        pass-at-k-gpu.json 4 rl b7bf9cfec5e69b9e 5d8e3ed93b190993
        pass-at-k-gpu.json 5 rl 4325a4e8cdf98172 3b9a6ece2e77687b
        pass-at-k-gpu.json 6 rl 8a1f8aafff3db478 831f8598fe538e83
        pass-at-k-gpu.json 7 rl 8b9dd6cdcf40dd73 ea1fe2b92dc2ff7f
        pass-at-k-gpu.json 8 rl 3fb17297bc30b21a 62780aa89f36d5db
        pass-at-k-gpu.json 9 rl 121c65f034dff2f5 4b9d1e518ef293da
        pass-at-k-gpu.json 10 rl 5b69093fe0abdcf4 46f39908ae088063
        pass-at-k.json 0 pretrain_base e15d206746d86f35 085a4be16cc39a4f
        pass-at-k.json 1 rl 92455b3114a5b6e1 2858f9b6b9502acb
        pass-at-k.json 2 rl 65b2da724ac7bc30 425001d32de231c5
        pass-at-k.json 3 rl 4e7b18a4b4efa9cb 9f17f2790e4962b6
        pass-at-k.json 4 rl 237faf048274ed55 65f86cc1e4d4e44c
        pass-at-k.json 5 rl 10ffcb3a81aeaf49 c44bc9a648acbe97
        pass-at-k.json 6 rl c67ffe6e2f988b98 01df29eff78af5c4
        pass-at-k.json 7 rl dd9d20b01710d99e 32451e563547b7b8
        pass-at-k.json 8 rl 7f6504de873063ce 10fdd04e91486e75
        pretrain-breadth-gpu.json 0 pretrain_base b580a88f4f3cf263 56588fd92e4812ba
        pretrain-breadth-gpu.json 1 rl 7e1475d9c0e11e35 0196b48b3740e0f1
        pretrain-breadth-gpu.json 2 pretrain_base cb269f0d69131f19 1ec69b0a3d85cfb0
        pretrain-breadth-gpu.json 3 rl d4a58f30e38d4d00 fc27f3a311b8681e
        pretrain-breadth-gpu.json 4 pretrain_base 7d434504b7bc4a0d 65451f2da604cc79
        pretrain-breadth-gpu.json 5 rl 655e4bcaf6d32f68 e5496d148a09e665
        pretrain-breadth-gpu.json 6 pretrain_base c25556d8ab9b25d0 a0e2cc8238d30227
        pretrain-breadth-gpu.json 7 rl 69c890a92765c8ad 0df5ae1bb39a083b
        pretrain-breadth-gpu.json 8 pretrain_base 95b22ac926feb390 31334ee8d8c01525
        pretrain-breadth-gpu.json 9 rl c74a1bd61d7319ee 7240d7fea95cb0ef
        pretrain-breadth-gpu.json 10 pretrain_base a6623f6d3db779d2 d08e2958014d522b
        pretrain-breadth-gpu.json 11 rl 14f721cfc8d8d47d 6cd766c51af7f0b3
        pretrain-breadth-gpu.json 12 pretrain_base 1aab0300cbbf36fc 7cacc6d4e809d38a
        pretrain-breadth-gpu.json 13 rl affa8c2475adab8d 241ae83b120610cc
        pretrain-breadth-gpu.json 14 pretrain_base 68020cb995024a6a 2dd19cce365b0601
        pretrain-breadth-gpu.json 15 rl 0c10818c25ecd19c fe19612aca1b1fd1
        pretrain-breadth-gpu.json 16 pretrain_base e509e75738cc02ab 43cd906ecb6b782e
        pretrain-breadth-gpu.json 17 rl aa2a0479c3861254 03df94d3b89d97e6
        pretrain-breadth-gpu.json 18 pretrain_base bdef22c32b945939 9b34eac9dc83f59a
        pretrain-breadth-gpu.json 19 rl c19efe40514d6a18 b4db5c7b71334609
        pretrain-breadth-gpu.json 20 pretrain_base f7ab3d33635319ec 182310d95b255a9e
        pretrain-breadth-gpu.json 21 rl c21fa93f1b9635a9 c8685f5884a438fc
        pretrain-breadth-gpu.json 22 pretrain_base cf18f8a02b74f57a 1183534284c85b41
        pretrain-breadth-gpu.json 23 rl b5633571725aae7f d41927acc1666c16
        pretrain-breadth-gpu.json 24 pretrain_base b5b9624c554f350b a1f46a74c20006f1
        pretrain-breadth-gpu.json 25 rl fb7d9918fce15c1d ea83203d9b5a742c
        pretrain-breadth-gpu.json 26 pretrain_base f45a8ec39880e409 f4c00e82ad88fc7e
        pretrain-breadth-gpu.json 27 rl bd97cf233ecc9e62 df766d9c6f9cf9a7
        pretrain-breadth-gpu.json 28 pretrain_base abb7ae5c5a047e71 8e9c576b5832fce2
        pretrain-breadth-gpu.json 29 rl d26d4a9e61189ab0 01facb0943ed083f
        pretrain-breadth-gpu.json 30 pretrain_base 0d9664832db807f2 46cf21015bbf52a2
        pretrain-breadth-gpu.json 31 rl 62416bf04e6989f3 f55ba3d30aaad5d8
        pretrain-breadth-gpu.json 32 pretrain_base 363f9b6656f02540 df88f25ab3081d0f
        pretrain-breadth-gpu.json 33 rl 1066e0dcbed269bb e17a180ca39efa11
        pretrain-breadth-gpu.json 34 pretrain_base d40d519683b1e37d 8f7c1160b967dfba
        pretrain-breadth-gpu.json 35 rl 4b66fd7e7b9690f3 99b977d85510306a
        pretrain-breadth-gpu.json 36 pretrain_base 373f35b63655f47d 2492efba5c27144e
        pretrain-breadth-gpu.json 37 rl 08bb435088b01170 a7ab20a44860699c
        pretrain-breadth-gpu.json 38 pretrain_base 0091c0c14a16d292 ae6a2d259204f0cc
        pretrain-breadth-gpu.json 39 rl 80d5c60303a3b7a8 d028d1cf67d2fe7b
        pretrain-breadth-gpu.json 40 pretrain_base 291c07541ac9ec13 0f6c57572f5a281e
        pretrain-breadth-gpu.json 41 rl ea047bb053be7d3a f4a08b416a407c05
        pretrain-breadth-gpu.json 42 pretrain_base 0ec51cf07c44dc56 d4992e87d35c008b
        pretrain-breadth-gpu.json 43 rl 2b9d5ba2c359464b 32ae39edb7c20634
        pretrain-breadth-gpu.json 44 pretrain_base 5ba75b692ef56660 e2dd840b654df786
        pretrain-breadth-gpu.json 45 rl a7b7b11304814171 8fbff0e2693b2fa5
        pretrain-breadth-gpu.json 46 pretrain_base 28e722013f97473d 16e50f328df8d845
        pretrain-breadth-gpu.json 47 rl 668c1cd500435fb9 3b0dcf251d24e29f
        pretrain-breadth-gpu.json 48 pretrain_base 24c0dda5543f9cd2 b3f3a78e1d19c69c
        pretrain-breadth-gpu.json 49 rl d9a19a732c087e66 7bf6f4289a7921b2
        pretrain-breadth-gpu.json 50 pretrain_base 77542bdaac7a5f4a 2628c15594f79d18
        pretrain-breadth-gpu.json 51 rl 79937b18d32392b8 4d44fd85170e986d
        pretrain-breadth-gpu.json 52 pretrain_base c747810c3c8e143f ba6f4754f052fcc2
        pretrain-breadth-gpu.json 53 rl e5f6e94e549e3457 89fb612feaba94e3
        pretrain-breadth-gpu.json 54 pretrain_base 3a9832ec94412be8 30c2b6834d46b83c
        pretrain-breadth-gpu.json 55 rl 52a7bf0e7cab27f8 5dd48c951d8f9e8e
        pretrain-breadth-gpu.json 56 pretrain_base ebc6e9a9a9e34b08 66678f4393fb054d
        pretrain-breadth-gpu.json 57 rl bb5dd926b2b2371b eebf1a6ecb9af2a7
        pretrain-breadth-gpu.json 58 pretrain_base bc05041526113e98 cd83a070b9886125
        pretrain-breadth-gpu.json 59 rl 8c2e732da7058a85 598ca5f668e58809
        pretrain-breadth.json 0 pretrain_base 631f2a8cc5b4e155 b4fef7756dde07e1
        pretrain-breadth.json 1 rl eee9c1e4702bc88f 1197c9dd57e11d53
        pretrain-breadth.json 2 pretrain_base 5f83b1a32902cd36 27155ee4d41e49b0
        pretrain-breadth.json 3 rl df02f9a243d0560e a867573b7dc9e1f5
        pretrain-breadth.json 4 pretrain_base be18660807976b6b 830ed47554b18a89
        pretrain-breadth.json 5 rl fb0da16ae9ea27c0 b1fecdd9feafb48a
        pretrain-breadth.json 6 pretrain_base 3820c4361f4ace52 00fb129f8736e36a
        pretrain-breadth.json 7 rl 88e9317205fba6ee 8e8b0ef283df2948
        pretrain-breadth.json 8 pretrain_base 369aab0b3b6afa68 c246b6022e6a9b28
        pretrain-breadth.json 9 rl 9b07ef6be3b4e0f6 a9f8ca0758293b8d
        pretrain-breadth.json 10 pretrain_base 58d984f1176ddb5a 4a0a341eca40a0c9
        pretrain-breadth.json 11 rl 9bab84b087040556 a9564a39f3107e7f
        pretrain-breadth.json 12 pretrain_base a63cef8446078ceb 456b3f82852e7557
        pretrain-breadth.json 13 rl 2644f44a6be90237 b107151d565e5017
        pretrain-breadth.json 14 pretrain_base e54f0a8b0d22b723 606fd30d1e607796
        pretrain-breadth.json 15 rl dc07eefef005d10f 8c9ce6b2b8a09b82
        pretrain-breadth.json 16 pretrain_base d7399155d0e2479e de6853d0c76dc1d7
        pretrain-breadth.json 17 rl a042998ed617b65e 3293a51cdc5459dd
        pretrain-breadth.json 18 pretrain_base d2534a499fd9413f 84c411ffef10d7ac
        pretrain-breadth.json 19 rl bff8bb1d25283e08 41e0907c5caa83bb
        pretrain-breadth.json 20 pretrain_base cf2c506571ac460c 1376fcd4ee7fb612
        pretrain-breadth.json 21 rl d11f8eca65fa6310 8b149d6d87b8508c
        pretrain-breadth.json 22 pretrain_base 5088cc00f1ef4ade ec129d349d834f75
        pretrain-breadth.json 23 rl 8fd2b49367f64734 cbeec298e7f6de8a
        pretrain-breadth.json 24 pretrain_base 71f0ba48478577d5 6c5b63fad4bd568b
        pretrain-breadth.json 25 rl 1e597d7c069acd43 fcbe03e390cc25ec
        pretrain-breadth.json 26 pretrain_base 6d7bdd138f224c13 333dbce01155e17b
        pretrain-breadth.json 27 rl 713ac9d2c4ce2c1a f58d2b7e38ef837e
        pretrain-breadth.json 28 pretrain_base f0feb001893949e9 dcbe3983add8e3dc
        pretrain-breadth.json 29 rl 23af720d8bad5022 a5d2f59dd7e89852
        pretrain-breadth.json 30 pretrain_base 6733dd854eed07f5 064a5f26a674d414
        pretrain-breadth.json 31 rl ebdae13b1f1c3238 c53945b6b6ecb129
        pretrain-breadth.json 32 pretrain_base e7889dbf63bbd5b6 0b66b1b985a17f17
        pretrain-breadth.json 33 rl 1522ad8dd946d5ee b11da7fac4e39343
        pretrain-breadth.json 34 pretrain_base ea58a4ad63edfd27 311913eabcf975d8
        pretrain-breadth.json 35 rl 439cee4c722ff897 e68e53cc4479cb89
        pretrain-scaling-gpu.json 0 pretrain_broad 7e5eae37af806e9e 383baaaac721f3d5
        pretrain-scaling-gpu.json 1 pretrain_broad 45d8ac62fb5b040f 5e076281c4295132
        pretrain-scaling-gpu.json 2 pretrain_broad 380524d03024596e 68dae83fa6100510
        pretrain-scaling-gpu.json 3 pretrain_broad be59f02fe2ba24e0 7f383b9cb1ab79c5
        pretrain-scaling-gpu.json 4 pretrain_broad 5e0ea4044df7f5de 3fdc8175fe330bf6
        pretrain-scaling-gpu.json 5 pretrain_broad ce8ddfd59d0ebc2c 412d8d65b87399b5
        pretrain-scaling-gpu.json 6 pretrain_broad a107e35a9583486a c1e8fd1289b9504b
        pretrain-scaling-gpu.json 7 pretrain_broad 650c78333a0abad5 76a6ec7e8e9e5639
        pretrain-scaling-gpu.json 8 pretrain_broad 0458487f111dc5fe e3ddebec03cb1c71
        pretrain-scaling-gpu.json 9 pretrain_broad e491c0f18021b5f4 e6185a31af14e8a7
        pretrain-scaling-gpu.json 10 pretrain_broad 63f28ac40e1ae807 b52f23cd7adac070
        pretrain-scaling-gpu.json 11 pretrain_broad 998973a236758cf8 a45628c4285a695f
        pretrain-scaling-gpu.json 12 pretrain_broad 699add39939ddfcb 9b93484ad58202cf
        pretrain-scaling-gpu.json 13 pretrain_broad df36290beb05f6cf 080d52da8cc14660
        pretrain-scaling-gpu.json 14 pretrain_broad f39ce3af541c9da7 6d50c71a8d3a7477
        pretrain-scaling-gpu.json 15 pretrain_broad 3e2b31077cc34e90 41f6e070edb76a25
        pretrain-scaling-gpu.json 16 pretrain_broad 811216b1d179b221 2e2fc89d8d196dfa
        pretrain-scaling-gpu.json 17 pretrain_broad 02d1aadc234e6fb4 2abd8cf4d8e9b755
        pretrain-scaling-gpu.json 18 pretrain_broad d1b08abd82d8ab7e b428b72195446c17
        pretrain-scaling-gpu.json 19 pretrain_broad 98c53f5e5cca73ef 3e90de5b9f6f977c
        pretrain-scaling-gpu.json 20 pretrain_broad 7122edda16398369 8a8f672540e83142
        pretrain-scaling-gpu.json 21 pretrain_broad bd766b396222aef1 2525d2a3943507b7
        pretrain-scaling-gpu.json 22 pretrain_broad f335884d43d4c65d dbfc07135fb662a7
        pretrain-scaling-gpu.json 23 pretrain_broad 77797188fe16199c 91b93b9645229f58
        pretrain-scaling-lr.json 0 pretrain_broad 5884937bbfccac5a f4fe7b2fcbc5a71e
        pretrain-scaling-lr.json 1 pretrain_broad 2cad1593bb3f29ef 53ff2d54ebf13859
        pretrain-scaling-lr.json 2 pretrain_broad 850efe9aa3966d6b aa34ff0fac310040
        pretrain-scaling-lr.json 3 pretrain_broad e1bfa478575b8cb3 1b5d75ebb38cafed
        pretrain-scaling-lr.json 4 pretrain_broad 4048e6741e72133d f7794671fbe6fcb9
        pretrain-scaling-lr.json 5 pretrain_broad e6667a3e252e4626 73402e6384cdb749
        pretrain-scaling-lr.json 6 pretrain_broad aa5d12bb25c96ab8 7beeb0434c0c7d7d
        pretrain-scaling-lr.json 7 pretrain_broad b6ff790d19832f2b cb69f127a475c76b
        pretrain-scaling-lr.json 8 pretrain_broad b883cc433d92908a 0710b135a3361c5b
        pretrain-scaling.json 0 pretrain_broad bddd7be2d7511601 5ec45f5b9032c867
        pretrain-scaling.json 1 pretrain_broad 850efe9aa3966d6b aa34ff0fac310040
        pretrain-scaling.json 2 pretrain_broad 073b9a3437b3a51d 1a2eec090a21a65c
        pretrain-scaling.json 3 pretrain_broad 321bc4f3ee9bad34 a2233602419b97d7
        pretrain-scaling.json 4 pretrain_broad f1a90fca59c61829 1324b385fbe39d23
        pretrain-scaling.json 5 pretrain_broad 9d184180c43428a9 4b65fa6df6965293
        pretrain-scaling.json 6 pretrain_broad fe27c21974a3d467 8a08d0264bd787c5
        pretrain-scaling.json 7 pretrain_broad c9cc425717142495 c6e8f6e87fbae3a3
        pretrain-scaling.json 8 pretrain_broad 38da921848580a83 809ac5d7cb18ac98
        pretrain-scaling.json 9 pretrain_broad a6b761cfb94fc456 cb008d2a3daead55
        pretrain-scaling.json 10 pretrain_broad 9776943b19b05aac ad42724dec019602
        pretrain-scaling.json 11 pretrain_broad 98ed0f47821314a7 055593d5941bf933
        pretrain-scaling.json 12 pretrain_broad 4048e6741e72133d f7794671fbe6fcb9
        pretrain-scaling.json 13 pretrain_broad 1f02da9a85a89c58 37943278cdcc7aeb
        pretrain-scaling.json 14 pretrain_broad e0e407efeef0b90b 553d896d94b7d762
        pretrain-scaling.json 15 pretrain_broad dbbe26c5b350e430 a07407332f199adb
        pretrain-scaling.json 16 pretrain_broad 6023aed8ad9e2d9c c9919d893e26851a
        pretrain-scaling.json 17 pretrain_broad fd969f0530a3f495 18d7ee5cde233bc9
        pretrain-scaling.json 18 pretrain_broad b6ff790d19832f2b cb69f127a475c76b
        pretrain-scaling.json 19 pretrain_broad 6b30f6ea9e82f84a e856b7fe47f83027
        pretrain-scaling.json 20 pretrain_broad 8cc9d6d42e11dc72 1a135603d2fccfab
        pretrain-scaling.json 21 pretrain_broad 5ab2a2d2e182d4fa 8444fa76aaaf74bd
        pretrain-scaling.json 22 pretrain_broad ec871087ebbeb5ae 4ebf64a67eea0a8e
        pretrain-scaling.json 23 pretrain_broad c43d30915633c32d 9696c5793b9b36a1
        pretrain-scaling.json 24 pretrain_broad 7a61000667672ba4 4dc08185bb5b4101
        pretrain-scaling.json 25 pretrain_broad e12e65eb1b30fdfa 520b7a522ecf797c
        quickstart.json 0 pretrain_broad e5192282cfde685f 0caea99651b56966
        quickstart.json 1 pretrain_broad 0db2fdfb7be9c2a0 79d81d1326fce4a0
        quickstart.json 2 pretrain_broad 505c1b8e582aee12 06a90d62ff0f6b59
        quickstart.json 3 pretrain_broad 72dc22af3e07eb84 9241bc88824ea198
        quickstart.json 4 pretrain_broad 5a4eb4a8b34d724d 9acc25c9872a2913
        quickstart.json 5 pretrain_broad c119a34b1f002503 ae6f28dcdc03c72f
        quickstart.json 6 pretrain_broad 8453ddc375504af4 f78eaf3379c10758
        quickstart.json 7 pretrain_broad 272bf1ea17d071e3 9c14c1190b01efd9
        quickstart.json 8 pretrain_broad 61c9b668782e343d 334c55c70aaf7c02
        quickstart.json 9 pretrain_broad 002f466d5e44d6dc 1b20943c3f1ec81f
        quickstart.json 10 pretrain_broad 851fe0efd3e460bb 953f0242b0be74ec
        quickstart.json 11 pretrain_broad cd5199cf8a38a873 658b0aad86ed24ae
        quickstart.json 12 pretrain_broad 7167835ae548049c 736f4dd767ec75e2
        quickstart.json 13 pretrain_broad 485923200b2881e9 32f4007b891aab94
        quickstart.json 14 pretrain_broad 27ae17f23b748f03 5964f72f266e18ae
        quickstart.json 15 rl a87e8de1d2dc5da1 3a46df487f9b3a50
        quickstart.json 16 pretrain_broad ba416b6bb809a6cd 078516f5f50449ed
        quickstart.json 17 rl 4b4eec32b269b2e7 917fab56c4c5152c
        quickstart.json 18 pretrain_broad 07df72abfdd3e94b 93450190e1b6e2fd
        quickstart.json 19 rl 34c45c73541b97b6 69e10a478e6ead25
        rl-breadth-gpu.json 0 pretrain_base 6f33229aa4555dac 9c4f0917ad61bcd6
        rl-breadth-gpu.json 1 rl 1199b8e1ef04a63a ef185c09999e6444
        rl-breadth-gpu.json 2 rl 9182a871b9f3d073 949994bbbfe30cad
        rl-breadth-gpu.json 3 rl ba327fcdfac91d2e ddc5a34daaf1dc2c
        rl-breadth-gpu.json 4 rl 31167a7761cbaaeb 8f16873f94f37bc8
        rl-breadth-gpu.json 5 rl 1f10c6f52a6e1e30 ca5292ae7f40e647
        rl-breadth-gpu.json 6 rl 420b0e281ded4448 f192bded01eda8b4
        rl-breadth-gpu.json 7 rl 15cac5e3504da084 9a651290a9060d22
        rl-breadth-gpu.json 8 rl 6a2356f983a9d2ed b911d3c04b512c19
        rl-breadth-gpu.json 9 rl 4451f82e5e45d16f ecef930fed15dd05
        rl-breadth-gpu.json 10 rl 1b4b14c0faff1f09 51c3e96bd7961add
        rl-breadth-gpu.json 11 rl e5e7691a28ae9c18 567f8462d681d7e3
        rl-breadth-gpu.json 12 rl d5382f922bcc80ff ae475545affd213e
        rl-breadth-gpu.json 13 rl c986f4a4672c896d bc1c414f5205ad5a
        rl-breadth-gpu.json 14 rl 3690696754312d3d aff8b35b2f845f56
        rl-breadth-gpu.json 15 rl bc413e4483b253fe 7f23bffd23473794
        rl-breadth-gpu.json 16 rl c2b960575d22fd3e 35e841639369de34
        rl-breadth-gpu.json 17 rl ec5e61a7df70fe4c 41e093616454555b
        rl-breadth-gpu.json 18 rl a29e5b36c14c662a 9dfd4e582462be89
        rl-breadth-gpu.json 19 rl 987dd4e7967d41d1 8ca6a3297aa3fb34
        rl-breadth-gpu.json 20 rl 24e662af10807894 f21e2637f0b12840
        rl-breadth.json 0 pretrain_base e315f7793cc89063 fd1d4736de51e535
        rl-breadth.json 1 rl 3534cbb9e7c1b62a 6c9927567cf579f6
        rl-breadth.json 2 rl bb384f146f93fef1 6349098dde0986ce
        rl-breadth.json 3 rl dfb60b5892eee10c a0cf8a27e9932c39
        rl-breadth.json 4 rl 323ff7da4b9fc24b ca8e999a718a80b8
        rl-breadth.json 5 rl e3012311873ef2a4 5cc4e1870f24f071
        rl-breadth.json 6 rl 080a0b1cc0c6a51c e401d50db18c0fb1
        rl-breadth.json 7 rl 608b4f57ec538b9c 4c11d203a7a70452
        rl-breadth.json 8 rl d1fa673c83475ba8 5a8452d3ab73dfed
        rl-breadth.json 9 rl 0dd98ac330ade4dd 56ff319faa8e2e44
        rl-breadth.json 10 rl 5e4b7c254c89859e 4588c79e9c3c6249
        rl-breadth.json 11 rl 381a119df2a30d11 633754c0208014eb
        rl-breadth.json 12 rl 54dbbe8a6fd9fa32 52394f2104c01b59
        rl-compute-gpu.json 0 pretrain_base c8e861399cac6957 b008b656ab4727a7
        rl-compute-gpu.json 1 rl ff736cac94c38be9 1551bccba7a8c496
        rl-compute-gpu.json 2 rl 0246c9eee23bb551 9af5ba58538b455b
        rl-compute-gpu.json 3 rl de857a4d3f03e3f2 a3dacc64dfe79f8b
        rl-compute-gpu.json 4 rl b7bf9cfec5e69b9e 5d8e3ed93b190993
        rl-compute-gpu.json 5 rl 4325a4e8cdf98172 3b9a6ece2e77687b
        rl-compute-gpu.json 6 rl 8a1f8aafff3db478 831f8598fe538e83
        rl-compute-gpu.json 7 rl 8b9dd6cdcf40dd73 ea1fe2b92dc2ff7f
        rl-compute-gpu.json 8 rl 3fb17297bc30b21a 62780aa89f36d5db
        rl-compute-gpu.json 9 rl 121c65f034dff2f5 4b9d1e518ef293da
        rl-compute-gpu.json 10 rl 5b69093fe0abdcf4 46f39908ae088063
        rl-compute.json 0 pretrain_base e15d206746d86f35 085a4be16cc39a4f
        rl-compute.json 1 rl 92455b3114a5b6e1 248aac30bf377f7d
        rl-compute.json 2 rl 65b2da724ac7bc30 627f8dd020a157b4
        rl-compute.json 3 rl 4e7b18a4b4efa9cb dee6ab341a1caea4
        rl-compute.json 4 rl 237faf048274ed55 944106f01f90f65a
        rl-compute.json 5 rl 10ffcb3a81aeaf49 0571f861bab2955f
        rl-compute.json 6 rl c67ffe6e2f988b98 186e2e56b107b9db
        rl-compute.json 7 rl dd9d20b01710d99e e20f451189c5be3b
        rl-compute.json 8 rl 7f6504de873063ce 938a0d3d9aeb546a
        rl-scaling.json 0 pretrain_base 925f51dbde4ac41f 35f76e5206001b50
        rl-scaling.json 1 rl 434b75410aa00afd 2a4227aac848cd9f
        rl-scaling.json 2 rl 128969cf50a8786c 1c095facc81f1d61
        """;

    [Fact]
    public void EveryCommittedPipelineKeepsItsIds() =>
        Assert.Equal(string.Join("\n", GoldenIds.Split('\n').Where(line => !Unavailable(line.Split(' ')[0]))), CommittedPipelineIds());

    [Fact]
    public void TheIdIsTheHashOfTheIdentityRecordedInConfigJson()
    {
        var plan = Plan(SpecLoaderTests.Valid);
        foreach (var run in plan.Runs)
        {
            var identity = JsonNode.Parse(run.ConfigJson)!["identity"]!;
            Assert.Equal(RunIdentity.Version, (int)identity["identity_version"]!);
            Assert.Equal(run.Id, RunIdentity.Hash(identity.ToJsonString()));
            Assert.NotEqual(run.Id, run.LegacyId);
        }
    }

    [Theory]
    // Evaluation, checkpoint and machine settings: not part of any run's identity.
    [InlineData("pretrain.eval_every", "7")]
    [InlineData("pretrain.eval_batches", "9")]
    [InlineData("pretrain.checkpoint_every", "3")]
    [InlineData("pretrain.checkpoint_minutes", "1")]
    [InlineData("held_out_domains", "[\"kv-records\"]")]
    [InlineData("rl.eval_every", "3")]
    [InlineData("rl.eval_problems", "12")]
    [InlineData("rl.eval_samples", "16")]
    [InlineData("rl.pass_k", "2")]
    [InlineData("rl.eval_greedy", "false")]
    [InlineData("rl.eval_at_steps", "[3, 7]")]
    [InlineData("rl.checkpoint_every", "2")]
    [InlineData("rl.unrewarded_tasks", "[\"sorting\"]")]
    [InlineData("threads", "2")]
    [InlineData("device", "\"cpu\"")]
    public void SettingsThatDoNotChangeTheComputationKeepEveryId(string path, string value)
    {
        var (a, b) = (RealPlan(Template), RealPlan(With(path, value)));
        Assert.Equal(a.Runs.Select(r => r.Id), b.Runs.Select(r => r.Id));
        if (path.Contains('.') || path == "held_out_domains") // the setting did reach the runs' configs
            Assert.NotEqual(a.Runs.Select(r => r.ConfigJson), b.Runs.Select(r => r.ConfigJson));
    }

    [Theory]
    [InlineData("seed", "1", 0)]
    [InlineData("precision", "\"bf16\"", 0)]
    [InlineData("model.n_layer", "2", 0)]
    [InlineData("model.attention", "\"manual\"", 0)]
    [InlineData("pretrain.lr", "0.001", 0)]
    [InlineData("pretrain.batch_size", "8", 0)]
    [InlineData("pretrain.grad_accum", "2", 0)]
    [InlineData("pretrain.schedule", "\"wsd\"", 0)]
    [InlineData("rl.lr", "0.0002", 2)]
    [InlineData("rl.steps", "21", 2)]
    [InlineData("rl.group_size", "4", 2)]
    [InlineData("rl.kl_coef", "0.1", 2)]
    [InlineData("rl.algorithm", "\"rloo\"", 2)]
    [InlineData("rl.tasks", "{ \"addition\": 1, \"sorting\": 1 }", 2)]
    public void SettingsThatChangeTheComputationChangeTheIdFromThatRunOn(string path, string value, int firstChanged)
    {
        var (a, b) = (RealPlan(Template), RealPlan(With(path, value)));
        for (int i = 0; i < a.Runs.Count; i++)
            Assert.Equal(i >= firstChanged, a.Runs[i].Id != b.Runs[i].Id);
    }

    /// <summary>A built-in domain whose generator changed: same id and documents, a new fingerprint.</summary>
    private sealed class RegeneratedDomain(TrainingPipeline.Data.IDomain inner) : TrainingPipeline.Data.IDomain
    {
        public string Id => inner.Id;
        public string Category => inner.Category;
        public string Description => inner.Description;
        public IEnumerable<string> Documents(long seed) => inner.Documents(seed);
        public string Fingerprint => inner.Fingerprint + "/changed";
    }

    /// <summary>Issue 13: a domain's generator change re-keys the pre-training runs that trained on it, and only those.</summary>
    [Fact]
    public void AGeneratorChangeReKeysOnlyTheRunsThatTrainedOnIt()
    {
        var plan = RealPlan(Template);
        var narrow = plan.Runs[0].Pretrain!;   // arith-add
        var broad = plan.Runs[1].Pretrain!;    // arith-add, sort-trace
        TrainingPipeline.Data.IDomain SortTraceChanged(string id) =>
            id == "sort-trace" ? new RegeneratedDomain(SpecResolver.ResolveDomain(id)) : SpecResolver.ResolveDomain(id);
        string Id(PretrainRunConfig c, Func<string, TrainingPipeline.Data.IDomain>? resolve = null) => RunIdentity.Of(RunIdentity.For(c, resolve)).Id;
        Assert.Equal(plan.Runs[0].Id, Id(narrow));
        Assert.Equal(Id(narrow), Id(narrow, SortTraceChanged));
        Assert.NotEqual(Id(broad), Id(broad, SortTraceChanged));
        // Domains still at their identity-version-1 fingerprint add nothing; those whose text changed in issue 13 do.
        Assert.Null(RunIdentity.ChangedDomainData(["arith-add", "sort-trace@2", "nl-facts", "text:notes.txt"]));
        Assert.Equal(["arith-expr@2", "arith-mul", "task:addition@2"],
            RunIdentity.ChangedDomainData(["arith-expr@2", "arith-mul", "task:addition@2", "nl-facts"])!.Keys);
    }

    /// <summary>A three-run pipeline: two pre-training phases, then RL.</summary>
    private const string Template = """
        {
          "name": "identity",
          "corpora": { "a": { "domains": { "arith-add": 1 } }, "b": { "domains": { "arith-add": 1, "sort-trace": 1 } } },
          "model": { "n_layer": 1, "n_head": 2, "d_model": 32, "context_length": 32 },
          "pretrain": { "phases": [ { "name": "narrow", "corpus": "a", "tokens": 10000 }, { "name": "broad", "corpus": "b", "tokens": 10000 } ] },
          "rl": { "tasks": { "addition": 1 }, "difficulty": 2, "eval_problems": 10 }
        }
        """;

    private static string With(string path, string value)
    {
        var root = JsonNode.Parse(Template)!.AsObject();
        var keys = path.Split('.');
        var parent = keys[..^1].Aggregate(root, (node, key) => node[key]!.AsObject());
        parent[keys[^1]] = JsonNode.Parse(value);
        return root.ToJsonString();
    }

    // The same identity record as the tool's, as a later version might declare it: one more field, at its default.
    private sealed record PretrainIdentityWithNewOption(
        int IdentityVersion, string Stage, string? ParentRunId, long Seed, ModelConfig Model, string Tokenizer,
        IReadOnlyDictionary<string, double> Mixture, long Tokens, bool ResetOptimizer, PretrainOptimisation Optimisation,
        Precision Precision = Precision.Fp32, PhaseLrSchedule PhaseLrSchedule = PhaseLrSchedule.Rewarm,
        double LabelSmoothing = 0.0);

    private sealed record ModelWithNewOption(int NLayer, int NHead, int DModel, int ContextLength, int VocabSize,
        NormKind Norm = NormKind.LayerNorm, PositionKind Positions = PositionKind.Learned, AttentionKernel Attention = AttentionKernel.Sdpa,
        bool TiedHead = true);

    [Fact]
    public void ANewOptionalFieldAtItsDefaultChangesNoId()
    {
        foreach (var run in Plan(SpecLoaderTests.Valid).Runs.Where(r => r.Pretrain is not null))
        {
            var identity = RunIdentity.For(run.Pretrain!);
            var m = identity.Model;
            PretrainIdentityWithNewOption Later(double smoothing) => new(identity.IdentityVersion, identity.Stage, identity.ParentRunId,
                identity.Seed, m, identity.Tokenizer, identity.Mixture, identity.Tokens, identity.ResetOptimizer, identity.Optimisation,
                identity.Precision, identity.PhaseLrSchedule, smoothing);

            Assert.Equal(run.Id, RunIdentity.Of(identity).Id);
            Assert.Equal(run.Id, RunIdentity.Of(Later(0.0)).Id);
            Assert.NotEqual(run.Id, RunIdentity.Of(Later(0.1)).Id);
            // Nested records too: a new model option at its default is invisible; set, it re-keys the run.
            var model = new ModelWithNewOption(m.NLayer, m.NHead, m.DModel, m.ContextLength, m.VocabSize, m.Norm, m.Positions, m.Attention);
            Assert.Equal(RunIdentity.Of(m).Id, RunIdentity.Of(model).Id);
            Assert.NotEqual(RunIdentity.Of(m).Id, RunIdentity.Of(model with { TiedHead = false }).Id);
        }
    }

    [Fact]
    public void DefaultsAreOmittedButNonDefaultsAreWritten()
    {
        var model = new ModelConfig(1, 2, 32, 32, 257);
        Assert.Equal("""{"n_layer":1,"n_head":2,"d_model":32,"context_length":32,"vocab_size":257}""", RunIdentity.Of(model).Json);
        Assert.Contains("\"norm\":\"rms_norm\"", RunIdentity.Of(model with { Norm = NormKind.RmsNorm }).Json);
        Assert.Contains("\"attention\":\"manual\"", RunIdentity.Of(model with { Attention = AttentionKernel.Manual }).Json);
    }

    [Fact]
    public void LegacyIdsChainThroughLegacyParents()
    {
        var plan = Plan(SpecLoaderTests.Valid);
        var first = plan.Runs[0].Pretrain!;
        Assert.Equal(plan.Runs[0].LegacyId, LegacyRunIds.Of(first));
        Assert.Equal(plan.Runs[1].LegacyId, LegacyRunIds.Of(plan.Runs[1].Pretrain! with { ParentRunId = plan.Runs[0].LegacyId }));
        Assert.Equal(plan.Runs[2].LegacyId, LegacyRunIds.Of(plan.Runs[2].Rl! with { ParentRunId = plan.Runs[1].LegacyId! }));
    }
}
