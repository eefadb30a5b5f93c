import time

from django.core.management.base import BaseCommand, CommandError

from sendesk.demo.generator import generate
from sendesk.schools.models import Trust


class Command(BaseCommand):
    help = (
        "Make a large synthetic trust for benchmarks: SCHOOLS schools of PUPILS pupils, "
        "with YEARS years of session history up to today. Synthetic data only; staff have "
        "no usable password."
    )

    def add_arguments(self, parser):
        parser.add_argument("--pupils", type=int, default=1000, help="Pupils per school.")
        parser.add_argument("--years", type=int, default=3, help="Years of session history.")
        parser.add_argument("--schools", type=int, default=1)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--trust-name", default=None, help="Default: 'Bench Trust <seed>'.")

    def handle(self, *args, pupils, years, schools, seed, trust_name, **options):
        trust_name = trust_name or f"Bench Trust {seed}"
        if Trust.objects.filter(name=trust_name).exists():
            raise CommandError(
                f"{trust_name!r} already exists; choose another --seed or --trust-name."
            )
        if years < 0 or schools < 1:
            raise CommandError("--years is 0 or more and --schools at least 1.")
        started = time.perf_counter()
        try:
            generated = generate(
                seed=seed,
                pupils=pupils,
                schools=schools,
                weeks_of_history=52 * years,
                trust_name=trust_name,
                school_names=[f"Bench {seed} School {i + 1}" for i in range(schools)],
                domains=[f"bench{seed}-{i + 1}.example" for i in range(schools)],
                progress=lambda message: self.stdout.write(message),
            )
        except ValueError as error:
            raise CommandError(str(error)) from error
        for data in generated.schools:
            counts = ", ".join(f"{k} {v:,}" for k, v in sorted(data.counts.items()))
            self.stdout.write(f"{data.school.name} (id {data.school.pk}): {counts}")
        self.stdout.write(f"Done in {time.perf_counter() - started:.1f} s.")
