/// Whether the two readers read the same value. Numbers: integers exactly, others
/// to within rounding (serde_json's default float parser may be one ulp off).
fn same(ours: &Value, theirs: &serde_json::Value) -> bool {
    use serde_json::Value as J;
    match (ours, theirs) {
        (Value::Null, J::Null) => true,
        (Value::Bool(a), J::Bool(b)) => a == b,
        (Value::String(a), J::String(b)) => a == b,
        (Value::Number(a), J::Number(b)) => {
            if let Some(u) = b.as_u64() {
                json::whole_number(a) == Some((false, u))
            } else if let Some(i) = b.as_i64() {
                json::whole_number(a) == Some((true, i.unsigned_abs()))
            } else {
                let (x, y) = (a.parse::<f64>().unwrap_or(f64::NAN), b.as_f64().unwrap_or(f64::NAN));
                x == y || ((x - y) / y).abs() < 1e-15
            }
        }
        (Value::Array(a), J::Array(b)) => a.len() == b.len() && a.iter().zip(b).all(|(x, y)| same(x, y)),
        (Value::Object(a), J::Object(b)) => {
            a.len() == b.len() && a.iter().all(|(k, v)| b.get(k).is_some_and(|w| same(v, w)))
        }
        _ => false,
    }
}
