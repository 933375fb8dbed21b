export default function Index() {
  return <main><h1>Overleg</h1></main>;
}
