//! SGLang's `bench_serving` JSONL: one line appended per run, shaped like vLLM's result ([`super::vllm`])
//! but with `e2e_latency` for the end-to-end metric, no start times, no model and no failure count.

use super::vllm::{run, AggregateNames};
use super::{each_object, Document, Found, ToolRead};
use crate::metric::Metric;
use crate::model::Format;

const SGLANG_NAMES: AggregateNames = AggregateNames {
    metrics: &[
        ("ttft", Metric::Ttft),
        ("tpot", Metric::Tpot),
        ("itl", Metric::Itl),
        ("e2e_latency", Metric::E2eLatency),
    ],
};

pub(crate) fn read(path: &str, document: &Document) -> Result<ToolRead, String> {
    let (runs, warnings) = each_object(path, document.objects(), |object, place, skips| {
        run(object, Format::SglangBench, &SGLANG_NAMES, &mut |message| skips.skip(place.warning(path, message)))
    });
    let carry = document.carry.map(|carrier| carrier.without(document, &super::vllm::NOT_READ));
    Ok((Found::Runs(runs), warnings, carry))
}
