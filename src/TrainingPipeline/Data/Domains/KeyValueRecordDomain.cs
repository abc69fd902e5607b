using System.Text;

namespace TrainingPipeline.Data.Domains;

/// <summary>
/// Key-value records about people followed by a lookup question. Difficulty d lists d records and, from level 2 on,
/// asks comparison questions (who is older) that need two lookups.
/// </summary>
public sealed class KeyValueRecordDomain(int difficulty = 1) : GeneratedDomain(
    "kv-records", "structured", "Key-value person records (name, age, city, job) with a lookup question and answer.",
    difficulty, maxDifficulty: 5)
{
    protected override string Generate(SplitMix64 random)
    {
        var names = Vocabulary.DistinctNames(random, Difficulty);
        var ages = new int[names.Length];
        var cities = new string[names.Length];
        var jobs = new string[names.Length];
        var text = new StringBuilder();
        for (var i = 0; i < names.Length; i++)
        {
            ages[i] = random.Between(18, 80);
            cities[i] = random.Pick(Vocabulary.Cities);
            jobs[i] = random.Pick(Vocabulary.Jobs);
            text.Append("name: ").Append(names[i]).Append('\n')
                .Append("age: ").Append(ages[i]).Append('\n')
                .Append("city: ").Append(cities[i]).Append('\n')
                .Append("job: ").Append(jobs[i]).Append('\n');
            if (i + 1 < names.Length) text.Append("--\n");
        }
        var who = random.Next(names.Length);
        if (names.Length >= 2 && random.Chance(0.5))
        {
            var other = (who + 1 + random.Next(names.Length - 1)) % names.Length;
            text.Append("Who is older, ").Append(names[who]).Append(" or ").Append(names[other]).Append("?\n");
            text.Append(names[who]).Append(" is ").Append(ages[who]).Append(", ")
                .Append(names[other]).Append(" is ").Append(ages[other]).Append(".\n");
            var answer = ages[who] == ages[other] ? "same age" : ages[who] > ages[other] ? names[who] : names[other];
            text.Append("Answer: ").Append(answer).Append('\n');
            return text.ToString();
        }
        switch (random.Next(3))
        {
            case 0: text.Append("What is the age of ").Append(names[who]).Append("?\nAnswer: ").Append(ages[who]); break;
            case 1: text.Append("Where does ").Append(names[who]).Append(" live?\nAnswer: ").Append(cities[who]); break;
            default: text.Append("What is the job of ").Append(names[who]).Append("?\nAnswer: ").Append(jobs[who]); break;
        }
        return text.Append('\n').ToString();
    }
}
